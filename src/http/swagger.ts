import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { completeDocument } from './openapi';

const documents = new WeakMap<NestFastifyApplication, () => OpenAPIObject>();

/** The OpenAPI document an app serves at /swagger-json (the tests validate every answer against it). */
export const openApiDocument = (app: NestFastifyApplication): OpenAPIObject | undefined => documents.get(app)?.();

export function buildDocument(app: NestFastifyApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Cinema booking API')
      .setDescription(
        'Movies, shows, seat maps, holds and bookings. Errors are RFC 9457 problem+json with a stable `code`. ' +
          'Sign up, log in, then press Authorize and paste the `access` token. Every path works with and without a trailing slash.',
      )
      .setVersion('1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
    { operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` },
  );
  return completeDocument(document);
}

export function setupSwagger(app: NestFastifyApplication): void {
  // Built when first asked for, not at start: it is about 100 ms of a restart.
  let document: OpenAPIObject | undefined;
  const lazily = () => (document ??= buildDocument(app));
  documents.set(app, lazily);
  SwaggerModule.setup('swagger', app, lazily, {
    jsonDocumentUrl: 'swagger-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
