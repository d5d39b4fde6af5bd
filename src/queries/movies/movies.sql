-- rendered from src/movies/sql/movies.ts by src/database/statements.spec.ts

-- list-movies
SELECT id, title, duration_minutes, count(*) OVER ()::int AS total FROM movies WHERE ($1::text IS NULL OR title ILIKE $1) ORDER BY id LIMIT $2 OFFSET $3;

-- count-movies
SELECT count(*)::int AS total FROM movies WHERE ($1::text IS NULL OR title ILIKE $1);

-- get-movie
SELECT id, title, duration_minutes FROM movies WHERE id = $1;

-- share-movie-duration
SELECT duration_minutes FROM movies WHERE id = $1 FOR SHARE;

-- insert-movie
INSERT INTO movies (title, duration_minutes) VALUES ($1, $2) RETURNING id, title, duration_minutes;

-- update-movie
UPDATE movies SET title = coalesce($2, title), duration_minutes = coalesce($3, duration_minutes)
 WHERE id = $1
RETURNING id, title, duration_minutes;

-- delete-movie
DELETE FROM movies WHERE id = $1 RETURNING id;
