//! Test helper: a kafkajs protocol error as the client builds it from a broker's answer.
import { KafkaJSProtocolError } from 'kafkajs';

/** Only the Error part is in kafkajs's typings; the client also passes the type, code and retriable flag. */
export function protocolError(type: string, code: number, message: string): KafkaJSProtocolError {
  return new KafkaJSProtocolError(Object.assign(new Error(message), { type, code, retriable: true }));
}
