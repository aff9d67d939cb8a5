// The API's JSON body parser, in place of Fastify's own: bytes that are not UTF-8 are refused
// (decoding them with replacement characters would store text the caller never sent), the
// nesting depth is checked before anything walks the value recursively, and a key `__proto__` —
// or `constructor` holding a `prototype` — is refused as Fastify's parser refuses it, so a merge
// further on cannot reach Object.prototype. Every refusal is a 400 that says what and where.
import type { FastifyInstance } from 'fastify';
import { findTooDeep } from '../util/json-depth.js';
import { BadRequestError } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function parseJsonBody(bytes: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new BadRequestError('the body is not UTF-8 text (JSON must be)', '/body');
  }
  if (text.trim() === '') throw new BadRequestError('the body is empty; send a JSON object, or no Content-Type with no body', '/body');
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new BadRequestError(`the body is not JSON: ${(error as Error).message}`, '/body');
  }
  const deep = findTooDeep(value);
  if (deep) throw new BadRequestError(`the body nests deeper than ${deep.limit} levels of objects and arrays (at ${deep.at})`, `/body${deep.at}`);
  if (text.includes('__proto__') || text.includes('constructor')) {
    const poisoned = findPrototypeKey(value);
    if (poisoned !== undefined) throw new BadRequestError(`the body holds a key "${poisoned.key}", which is not accepted`, `/body${poisoned.at}`);
  }
  return value;
}

/** Makes parseJsonBody the one body parser of `app`: any other Content-Type is a 415 (the API takes JSON only). */
export function useJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** Iterative, like findTooDeep: the value may be up to the depth limit deep. */
function findPrototypeKey(value: unknown): { key: string; at: string } | undefined {
  const stack: Array<{ value: unknown; at: string }> = [{ value, at: '' }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item.value === null || typeof item.value !== 'object') continue;
    for (const [key, child] of Object.entries(item.value)) {
      const at = `${item.at}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (key === '__proto__') return { key, at };
      if (key === 'constructor' && child !== null && typeof child === 'object' && Object.hasOwn(child, 'prototype')) return { key, at };
      stack.push({ value: child, at });
    }
  }
  return undefined;
}
