import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Access, ACCESS_KEY } from '../../common/decorators/auth.decorators';

/**
 * At start-up: every route handler says who may call it, @Public() or @Auth(),
 * on itself or its controller. A route that says neither would be refused by
 * the guard at run time; this makes it a start-up error instead, which every
 * test run meets.
 */
@Injectable()
export class RouteAccessCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const unmarked: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | undefined;
      if (!controller || !wrapper.instance) continue;
      for (const method of this.scanner.getAllMethodNames(Object.getPrototypeOf(wrapper.instance))) {
        const handler = (wrapper.instance as Record<string, unknown>)[method] as () => unknown;
        if (this.reflector.get('path', handler) === undefined) continue;
        if (!this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [handler, controller])) unmarked.push(`${controller.name}.${method}`);
      }
    }
    if (unmarked.length > 0) throw new Error(`routes without @Public() or @Auth(): ${unmarked.join(', ')}`);
  }
}
