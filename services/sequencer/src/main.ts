//! The sequencer service: budget.inbox.v1 -> decide -> budget.log.v1, exactly once (see packages/engines).
import { serviceMain } from '@budget/service-kit';

await serviceMain('sequencer');
