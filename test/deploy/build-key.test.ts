/**
 * serverless.yml opts out of Serverless Framework v4's own esbuild (`build.esbuild:
 * false`), which would conflict with serverless-esbuild; deploy/build-key.cjs makes osls
 * accept the key without turning its validation down. That osls then packages the
 * service is what every other test in test/deploy/ relies on.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './package';

type SchemaHandler = { schema?: { properties: Record<string, unknown> }; defineTopLevelProperty: (name: string, schema: unknown) => void };
const DeclareBuildKey = createRequire(import.meta.url)('../../deploy/build-key.cjs') as (new (serverless: {
  configSchemaHandler?: SchemaHandler;
}) => unknown) & { BUILD_SCHEMA: unknown };

const config = parse(readFileSync(`${ROOT}serverless.yml`, 'utf8')) as { build?: unknown; plugins: string[]; configValidationMode?: string };

/** A schema handler like osls's: defineTopLevelProperty refuses a property defined already. */
function schemaHandler(properties: Record<string, unknown>) {
  const defined: string[] = [];
  const handler: SchemaHandler = {
    schema: { properties },
    defineTopLevelProperty(name, schema) {
      if (handler.schema!.properties[name])
        throw Object.assign(new Error(`Top-level property '${name}' already have a definition`), { code: 'SCHEMA_COLLISION' });
      handler.schema!.properties[name] = schema;
      defined.push(name);
    },
  };
  return { handler, defined };
}

describe('the build key for Serverless Framework v4', () => {
  it("turns v4's own esbuild off, and keeps serverless-esbuild and osls's strict validation", () => {
    expect(config.build).toEqual({ esbuild: false });
    expect(config.plugins).toEqual(['./deploy/build-key.cjs', 'serverless-esbuild', 'serverless-step-functions']);
    expect(config.configValidationMode).toBeUndefined();
  });

  it('declares `build` to osls, which does not know it, accepting only esbuild: false', () => {
    const { handler, defined } = schemaHandler({ service: {}, provider: {} });
    new DeclareBuildKey({ configSchemaHandler: handler });
    expect(defined).toEqual(['build']);
    expect(handler.schema!.properties.build).toEqual({
      type: 'object',
      properties: { esbuild: { const: false } },
      required: ['esbuild'],
      additionalProperties: false,
    });
  });

  it('leaves the definition of a framework that has one (Serverless v4) alone', () => {
    const v4 = { anyOf: [{ type: 'string' }, { type: 'object', properties: {} }] };
    const { handler, defined } = schemaHandler({ build: v4 });
    new DeclareBuildKey({ configSchemaHandler: handler });
    expect(defined).toEqual([]);
    expect(handler.schema!.properties.build).toBe(v4);
  });

  it('tolerates a collision it could not see coming, and passes on any other error', () => {
    const collision = {
      defineTopLevelProperty: () => {
        throw Object.assign(new Error('already defined'), { code: 'SCHEMA_COLLISION' });
      },
    };
    expect(() => new DeclareBuildKey({ configSchemaHandler: collision })).not.toThrow();
    const broken = {
      defineTopLevelProperty: () => {
        throw new Error('schema broken');
      },
    };
    expect(() => new DeclareBuildKey({ configSchemaHandler: broken })).toThrow('schema broken');
  });
});
