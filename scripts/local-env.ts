/**
 * The local development environment's own settings, shared by `npm start`, the tests and the admin scripts' `--local`.
 * Development only: production sets its own SHOP_DATA_KEY, and deploy refuses this one.
 */
export const DEVELOPMENT_DATA_KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
