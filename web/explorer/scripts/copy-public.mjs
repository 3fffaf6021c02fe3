// Copies public/* (index.html, style.css) next to tsc's output in dist/.
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(path.join(root, 'dist'), { recursive: true });
cpSync(path.join(root, 'public'), path.join(root, 'dist'), { recursive: true });
