// `node --import <this> …`: registers slow-baileys-hooks.ts in the child process.
import { register } from 'node:module';

register('./slow-baileys-hooks.js', import.meta.url);
