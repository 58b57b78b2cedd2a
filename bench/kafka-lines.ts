// What the two plain kafkajs scripts of the pipeline benchmark (kafka-baseline.ts, kafka-topology.ts) share: how
// they produce an event file's lines, so that both send the same messages the same way.
import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';

/** Messages per produce request: well below the broker's 1 MiB request limit at ~330 bytes a line. */
export const LINES_PER_SEND = 1000;

/** The region of a line, the inbox's message key; read with a regular expression, not JSON.parse. */
export function regionOf(line: string): string {
  return /"region":"([^"]*)"/.exec(line)?.[1] ?? '';
}

/** A line as the inbox takes it: key = its region. */
export function lineMessage(line: string): Message {
  return { key: regionOf(line), value: line };
}

/** Durable like the pipeline's producers: idempotent, one request in flight (sends use acks -1, all in-sync replicas). */
export function linesProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}
