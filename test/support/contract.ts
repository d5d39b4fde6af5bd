import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { OpenAPIObject } from '@nestjs/swagger';

interface MediaObject {
  schema?: object;
}
interface ResponseObject {
  content?: Record<string, MediaObject>;
}
type Operation = { responses: Record<string, ResponseObject> };

/** A path of the document as a pattern for request paths (with or without the trailing slash every path accepts). */
const patternOf = (path: string) => new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}/?$`);

/**
 * Checks answers against the OpenAPI document the app serves: the operation
 * declares the status, the content type is one it declares for it, and the
 * body validates against that schema. Every e2e answer passes through here
 * (see startTestApp), so an undocumented answer fails the test that got it.
 */
export class ContractValidator {
  private readonly ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  private readonly validators = new Map<string, ValidateFunction>();

  private readonly paths: [RegExp, string][];

  private constructor(private readonly document: OpenAPIObject) {
    // Literal paths before templated ones, so /health/live is not taken for /health/{x}.
    this.paths = Object.keys(document.paths)
      .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))
      .map((path) => [patternOf(path), path]);
  }

  /** The document's path a request path falls under, if any. */
  pathOf(requestPath: string): string | undefined {
    const path = requestPath.split('?')[0];
    return this.paths.find(([pattern]) => pattern.test(path))?.[1];
  }

  static async of(document: OpenAPIObject): Promise<ContractValidator> {
    const copy = JSON.parse(JSON.stringify(document)) as OpenAPIObject;
    return new ContractValidator((await SwaggerParser.dereference(copy as never)) as unknown as OpenAPIObject);
  }

  /**
   * What is wrong with this answer, or undefined when the document says it
   * exactly. Requests the document knows nothing of (unknown paths or methods,
   * HEAD, CORS preflights, Swagger UI's own files) are not its to judge.
   */
  violation(method: string, requestPath: string, status: number, contentType: string | undefined, payload: string): string | undefined {
    const path = this.pathOf(requestPath);
    if (!path) return undefined;
    const operation = (this.document.paths[path] as Record<string, Operation> | undefined)?.[method.toLowerCase()];
    if (!operation) return undefined;
    const where = `${method} ${requestPath} (${path}) → ${status}`;
    const response = operation.responses[String(status)] ?? operation.responses.default;
    if (!response) return `${where}: the document declares no ${status} for this operation (it declares ${Object.keys(operation.responses).join(', ')})`;
    const declared = Object.keys(response.content ?? {});
    if (declared.length === 0) return payload.length === 0 ? undefined : `${where}: the document declares no body, the answer has one`;
    const media = contentType?.split(';')[0].trim();
    if (!media || !declared.includes(media)) return `${where}: content type ${media} is not one of ${declared.join(', ')}`;
    if (media !== 'application/json' && media !== 'application/problem+json') return undefined;
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch {
      return `${where}: the body is not JSON`;
    }
    const key = `${method} ${path} ${status} ${media}`;
    let validate = this.validators.get(key);
    if (!validate) this.validators.set(key, (validate = this.ajv.compile(response.content![media].schema ?? {})));
    if (validate(body)) return undefined;
    return `${where}: the body does not match its schema: ${this.ajv.errorsText(validate.errors)}\n${payload.slice(0, 500)}`;
  }
}

/** Every contract violation of the running spec file, checked (and cleared) after each test. */
export const violations: string[] = [];

let shared: Promise<ContractValidator> | undefined;

/** One validator per spec file: every app of the suite serves the same document. */
export function contractOf(document: OpenAPIObject): Promise<ContractValidator> {
  return (shared ??= ContractValidator.of(document));
}

interface SuperagentResponse {
  status: number;
  headers: Record<string, string>;
  text?: string;
}

/**
 * A supertest agent whose every answer is checked against the document:
 * the suite's HTTP helper (startTestApp's `http()`), so no spec can forget.
 */
export function checkedAgent<T extends object>(agent: T, validator: ContractValidator): T {
  const methods = agent as unknown as Record<string, (path: string) => { on(event: 'response', listener: (res: SuperagentResponse) => void): unknown }>;
  for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
    const send = methods[method];
    methods[method] = (path: string) => {
      const test = send.call(agent, path);
      test.on('response', (res) => {
        const found = validator.violation(method.toUpperCase(), new URL(path, 'http://x').pathname, res.status, res.headers['content-type'], res.text ?? '');
        if (found) violations.push(found);
      });
      return test;
    };
  }
  return agent;
}
