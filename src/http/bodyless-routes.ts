import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { routeCatalog } from './route-catalog';

/**
 * The routes whose handlers read no @Body(): a request to one that sends
 * fields anyway is refused (see checkRequestInput) rather than silently
 * ignored. Filled at start-up, before the first request.
 */
@Injectable()
export class BodylessRoutes implements OnModuleInit {
  readonly keys = new Set<string>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    for (const route of routeCatalog(this.discovery, this.scanner)) if (!route.takesBody) this.keys.add(route.key);
  }
}
