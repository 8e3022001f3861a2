// The chunk a page fetches when one of its metrics passes EXACT_LIMIT values (index.ts): the
// bucketed sketch's functions for its summary, without the JSON and merging the collector needs.
export { SKETCH_OPS } from './sketch';
