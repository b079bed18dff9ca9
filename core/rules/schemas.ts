import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import matchingSchema from '../../rules/schema/matching.schema.json';
import globalSchema from '../../rules/schema/rules.schema.json';
import siteSchema from '../../rules/schema/site.schema.json';
import { toJsonPointer } from './json-pointer';
import type { RuleFileError } from './rule-file-error';

export type RuleFileKind = 'global' | 'site';

interface CompiledSchemas {
  global: ValidateFunction;
  site: ValidateFunction;
}

let compiled: CompiledSchemas | undefined;

/** Compiled once, on first use: compiling all three schemas takes a noticeable moment. */
function schemas(): CompiledSchemas {
  if (!compiled) {
    // verbose: errors carry their schema, so reasons can list allowed properties and describe formats
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true });
    addFormats(ajv);
    ajv.addSchema([matchingSchema, globalSchema, siteSchema]);
    compiled = { global: ajv.getSchema(globalSchema.$id)!, site: ajv.getSchema(siteSchema.$id)! };
  }
  return compiled;
}

/** Schema errors of a parsed rule file, one per pointer and reason. */
export function schemaErrors(kind: RuleFileKind, document: unknown, file: string): RuleFileError[] {
  const validate = schemas()[kind];
  if (validate(document)) return [];
  const errors = (validate.errors ?? []).flatMap((error) => describeAjvError(error, file));
  return errors.filter(
    (error, index) => errors.findIndex((other) => other.pointer === error.pointer && other.reason === error.reason) === index,
  );
}

function describeAjvError(error: ErrorObject, file: string): RuleFileError[] {
  const at = (...tokens: string[]) => error.instancePath + toJsonPointer(tokens);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    // a failed propertyNames or if/then repeats the error of the subschema, already reported
    case 'propertyNames':
    case 'if':
      return [];
    case 'required':
      return [{ file, pointer: error.instancePath, reason: `missing required property "${String(params.missingProperty)}"` }];
    case 'additionalProperties': {
      const property = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      return [{ file, pointer: at(property), reason: `unexpected property "${property}"; allowed: ${allowed.join(', ')}` }];
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ');
      return error.propertyName === undefined
        ? [{ file, pointer: error.instancePath, reason: `must be one of ${allowed}` }]
        : [{ file, pointer: at(error.propertyName), reason: `unexpected key "${error.propertyName}"; allowed: ${allowed}` }];
    }
    case 'format':
      return [{ file, pointer: error.instancePath, reason: `must be a valid ${String(error.schema)}` }];
    case 'pattern': {
      // the pattern's schema describes the format in words, which helps more than the regex
      const what = error.parentSchema?.description ?? `a value matching ${String(error.schema)}`;
      return [{ file, pointer: error.instancePath, reason: `invalid value: expected ${String(what)}` }];
    }
    case 'type':
      return [{ file, pointer: error.instancePath, reason: `must be ${withArticle(String(params.type))}` }];
    default:
      return [{ file, pointer: error.instancePath, reason: error.message ?? error.keyword }];
  }
}

function withArticle(jsonType: string): string {
  return jsonType
    .split(',')
    .map((type) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`))
    .join(' or ');
}
