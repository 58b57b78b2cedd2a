//! Which store a process uses, from KAFKA_BROKERS and MONGO_URL (CONTRACT section 6): both set, Kafka and MongoDB;
//! otherwise the embedded store. One of them alone is most likely a mistake (a typo, a variable not exported), which
//! would put a municipality's events into a local SQLite file unnoticed: it is said, and the embedded store is used,
//! as the contract has it.

/** The two variables as read (an empty one counts as unset). */
export interface EngineVariables {
  KAFKA_BROKERS?: string | undefined;
  MONGO_URL?: string | undefined;
}

/** A warning when exactly one of the two is set, naming the other and where the data goes instead; else undefined. */
export function halfSetEngines(variables: EngineVariables, dataDir: string): string | undefined {
  const kafka = variables.KAFKA_BROKERS !== undefined && variables.KAFKA_BROKERS !== '';
  const mongo = variables.MONGO_URL !== undefined && variables.MONGO_URL !== '';
  if (kafka === mongo) return undefined;
  const [set, unset] = kafka ? ['KAFKA_BROKERS', 'MONGO_URL'] : ['MONGO_URL', 'KAFKA_BROKERS'];
  return `${set} is set but ${unset} is not, so the embedded store in ${dataDir} is used; set both to use Kafka and MongoDB, or neither`;
}
