// The purchase store contract against the memory store (the same suite runs on PostgreSQL in tests/postgres/).
import { test } from 'node:test';
import * as iap from './load.mjs';
import { purchaseStoreContract } from './purchase-store-contract.mjs';

purchaseStoreContract(test, async () => iap.createMemoryPurchaseStore(), 'memory');
