import { ConsoleLogger, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule, Ports } from '../../app.module';

/** Requests larger than this are refused with 413 before anything reads them. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Builds the HTTP application (Fastify) on the given ports, with the OpenAPI at /docs and /docs-json. */
export async function createHttpApp(ports: Ports, options: { logs?: boolean } = {}): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.with(ports), new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }), {
    logger: options.logs === false ? false : new ConsoleLogger({ json: true }),
  });
  app.enableShutdownHooks();
  setUpOpenApi(app);
  return app;
}

function setUpOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Madoguchi (窓口)')
    .setDescription(
      'Scheduling of Hello Work online job consultations. Every change is an event. Send a staff token as `Authorization: Bearer <token>`. ' +
        'Errors: 400 malformed input, 401 no valid token, 403 wrong role (A8.1), 404 unknown id, 429 too many requests, ' +
        '409 concurrent change, 422 refused by a rule of the terms ({ rule, message }); on any error nothing is recorded.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config), { jsonDocumentUrl: 'docs-json' });
}
