import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Access, ACCESS_KEY } from '../common/decorators/auth.decorators';
import { routeCatalog } from '../http/route-catalog';
import { IDEMPOTENT_KEY } from './idempotent';

const WRITES = /^(POST|PATCH|PUT|DELETE) /;

/** At start-up: every signed-in route that changes state honours Idempotency-Key (@Idempotent()). */
@Injectable()
export class IdempotentRoutesCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const missing = routeCatalog(this.discovery, this.scanner)
      .filter((route) => WRITES.test(route.key))
      .filter((route) => !this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [route.handler, route.controller])?.public)
      .filter((route) => !this.reflector.get<boolean | undefined>(IDEMPOTENT_KEY, route.handler))
      .map((route) => route.name);
    if (missing.length > 0) throw new Error(`state-changing routes without @Idempotent(): ${missing.join(', ')}`);
  }
}
