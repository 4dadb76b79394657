// The language server process (started by the client over IPC): wiring only. Handlers are plain
// functions in their own modules, registered here.
// Invariant: the server never imports `vscode`; it talks only through the LSP connection (with
// the stdio transport stdout is the protocol, so nothing here writes to the console).

import { createConnection, ProposedFeatures, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { initializeResult } from './initialize';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

connection.onInitialize((params) => initializeResult(params));

documents.listen(connection);
connection.listen();
