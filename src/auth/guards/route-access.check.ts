import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Access, ACCESS_KEY } from '../../common/decorators/auth.decorators';
import { routeCatalog } from '../../http/route-catalog';

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
    const unmarked = routeCatalog(this.discovery, this.scanner)
      .filter((route) => !this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [route.handler, route.controller]))
      .map((route) => route.name);
    if (unmarked.length > 0) throw new Error(`routes without @Public() or @Auth(): ${[...new Set(unmarked)].join(', ')}`);
  }
}
