// Kafka (log, inbox) and MongoDB (projections) pass the same BudgetStore behaviour suite as the embedded store.
import { budgetStoreBehaviour } from './budget-store.behaviour';
import { engineFixture } from '../support/engines-fixture';

budgetStoreBehaviour('Kafka and MongoDB', engineFixture);
