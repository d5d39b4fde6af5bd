import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';

/** One route of the app, as its controller declares it. */
export interface CatalogRoute {
  controller: new (...args: never[]) => object;
  handler: (...args: unknown[]) => unknown;
  /** "ControllerName.method", for messages. */
  name: string;
  /** e.g. "POST /holds/:id/confirm", as Fastify sees it (request.routeOptions). */
  key: string;
  /** Whether the handler reads a @Body(). */
  takesBody: boolean;
}

const join = (...parts: string[]) => `/${parts.join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');

/** Every route handler of every controller, read once from Nest's metadata. */
export function routeCatalog(discovery: DiscoveryService, scanner: MetadataScanner): CatalogRoute[] {
  const routes: CatalogRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as CatalogRoute['controller'] | undefined;
    if (!controller || !wrapper.instance) continue;
    const base = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat()[0] as string;
    for (const method of scanner.getAllMethodNames(Object.getPrototypeOf(wrapper.instance))) {
      const handler = (wrapper.instance as Record<string, CatalogRoute['handler']>)[method];
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (path === undefined) continue;
      const verb = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<string, unknown>;
      const takesBody = Object.keys(args).some((key) => key.startsWith(`${RouteParamtypes.BODY}:`));
      for (const one of [path].flat()) {
        routes.push({ controller, handler, name: `${controller.name}.${method}`, key: `${verb} ${join(base, one)}`, takesBody });
      }
    }
  }
  return routes;
}

/** The same key for a request, from the route Fastify matched. */
export const routeKey = (method: string, url: string) => `${method} ${join(url)}`;
