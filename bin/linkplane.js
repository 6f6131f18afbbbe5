#!/usr/bin/env node
// Entry point of the `linkplane` command: registers tsx (resolved from this package) and runs the sources.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
