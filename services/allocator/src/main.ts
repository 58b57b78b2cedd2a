//! The allocator service: budget.log.v1 -> allocation results on budget.allocations.v1, exactly once.
import { serviceMain } from '@budget/service-kit';

await serviceMain('allocator');
