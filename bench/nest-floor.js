'use strict';
/**
 * The framework floor: a minimal Nest + Fastify app with one route that returns
 * a constant, nothing else (no guards, pipes, hooks, logging). The benchmark
 * compares the service's cheapest answer (a 304 seat map) with it. Env: PORT.
 */
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

class ConstantController {
  constant() {
    return { ok: true };
  }
}
Get('constant')(ConstantController.prototype, 'constant', Object.getOwnPropertyDescriptor(ConstantController.prototype, 'constant'));
Controller()(ConstantController);

class FloorModule {}
Module({ controllers: [ConstantController] })(FloorModule);

NestFactory.create(FloorModule, new FastifyAdapter(), { logger: false })
  .then((app) => app.listen(Number(process.env.PORT), '127.0.0.1'))
  .then(() => console.log('up'));
