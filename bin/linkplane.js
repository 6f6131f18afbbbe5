#!/usr/bin/env node
// Entry point of the `linkplane` command: runs the TypeScript sources through tsx.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
register('tsx/esm', pathToFileURL('./'));
await import('../src/main.ts');
