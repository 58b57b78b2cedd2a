//! The ledger service: budget.log.v1 -> journal, balances and report projections in MongoDB (see packages/engines).
import { serviceMain } from '@budget/service-kit';

await serviceMain('ledger');
