// Importing this module makes `import … from 'electron'` load the stand-in (see resolve-hook.ts).
import { register } from 'node:module';

register(new URL('./resolve-hook.js', import.meta.url));
