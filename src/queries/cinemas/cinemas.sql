-- rendered from src/cinemas/sql/cinemas.ts by src/database/statements.spec.ts

-- sync-default-cinema
UPDATE cinemas SET name = $1, time_zone = $2 WHERE id = 1 AND (name, time_zone) IS DISTINCT FROM ($1, $2) RETURNING id;

-- list-cinemas
SELECT id, name, time_zone FROM cinemas ORDER BY id;

-- get-cinema
SELECT id, name, time_zone FROM cinemas WHERE id = $1;

-- insert-cinema
INSERT INTO cinemas (name, time_zone) VALUES (btrim($1), $2) RETURNING id, name, time_zone;

-- update-cinema
UPDATE cinemas SET name = coalesce(btrim($2), name), time_zone = coalesce($3, time_zone) WHERE id = $1 RETURNING id, name, time_zone;
