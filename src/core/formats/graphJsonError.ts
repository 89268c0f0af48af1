// The one error the graph JSON reader throws: the file, where in the document (a JSON path such as
// "graph.nodes[3].attributes.kernel_shape") and what is wrong, in one message a person can act on.
import { basename } from 'node:path';

export class GraphJsonError extends Error {
  constructor(readonly file: string, readonly jsonPath: string, readonly problem: string) {
    super(`${basename(file) || file}: ${problem}${jsonPath ? ` at ${jsonPath}` : ''}`);
    this.name = 'GraphJsonError';
  }
}
