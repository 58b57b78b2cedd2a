//! The engines mode: Kafka for the log and inbox, MongoDB for the projections (CONTRACT sections 6-7).
export { Sequencer, type SequencerMetrics } from './sequencer';
export { Projector } from './projector';
export { KafkaStore } from './kafka-store';
export { KafkaEventLog, logMessage, parseLogMessage } from './kafka-log';
export { MongoProjectionStore } from './mongo-projections';
export { connectProjections, readJournal, type Projections, type StoredJournalEntry } from './mongo';
export {
  createTopicsAndWait,
  endOffsets,
  fencePredecessors,
  topicOffsets,
  ensureTopics,
  groupNames,
  kafkaClient,
  readUncommittedAdmin,
  sendBounded,
  topicNames,
  transactionalProducer,
  type EngineSettings,
  type TopicNames,
} from './topics';
export { readToEnd } from './read-to-end';
export { storedEntry } from './committed-records';
export { AllocationBatcher, Allocator, type AllocationBatch, type AllocationResult } from './allocator';
export { readEngineSettings } from './settings';
