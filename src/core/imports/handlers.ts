import type { HandlerGroup } from '../context';
import { applyImport, previewImport } from './import-csv';

export const importHandlers: HandlerGroup<'import.preview' | 'import.apply'> = {
  'import.preview': (args, ctx) => previewImport(ctx, args),
  'import.apply': (args, ctx) => applyImport(ctx, args),
};
