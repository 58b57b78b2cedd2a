//! The web app of the budget service: built at server start, served by services/server at `/`.
export { buildWebApp, type WebAsset, type WebAssets } from './build';
