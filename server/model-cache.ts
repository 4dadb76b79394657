// One DocumentModel per open document, rebuilt only when the document's version or the
// migration folders changed, so every request on a version shares one analysis; a new version
// is derived incrementally from the previous model when that is provably the same.
// Invariant: a cached model always matches the text of the version it records.

import type { TextDocument } from 'vscode-languageserver-textdocument';
import { buildDocumentModel, type DocumentModel } from './document-model';
import { updateDocumentModel } from './incremental-model';
import type { MigrationDocumentInfo } from './migration-document';

export interface ModelCache {
  /** The model of `document`; `classify` runs only when the model must be (re)built. */
  get(document: TextDocument, generation: number, classify: () => MigrationDocumentInfo | undefined): DocumentModel;
  delete(uri: string): void;
  size(): number;
  /** How many models were built from scratch / derived from the previous version (for tests and the bench). */
  stats(): { full: number; incremental: number };
}

function sameClassification(a: MigrationDocumentInfo | undefined, b: MigrationDocumentInfo | undefined): boolean {
  return a === b || (!!a && !!b && a.format === b.format && a.version === b.version && a.role === b.role);
}

export function createModelCache(): ModelCache {
  const models = new Map<string, { generation: number; model: DocumentModel }>();
  const counts = { full: 0, incremental: 0 };
  return {
    get(document, generation, classify) {
      const hit = models.get(document.uri);
      if (hit && hit.model.version === document.version && hit.generation === generation) return hit.model;
      const migration = classify();
      const text = document.getText();
      let model: DocumentModel | undefined;
      if (hit && hit.generation === generation && sameClassification(hit.model.migration, migration)) {
        model = updateDocumentModel(hit.model, text, document.version);
        if (model) counts.incremental++;
      }
      if (!model) {
        model = buildDocumentModel(text, document.version, migration);
        counts.full++;
      }
      models.set(document.uri, { generation, model });
      return model;
    },
    delete(uri) {
      models.delete(uri);
    },
    size: () => models.size,
    stats: () => ({ ...counts }),
  };
}
