/**
 * The order reference carried in a meeting's topic. It is how a retry after a
 * crash recognises the meeting an earlier attempt created: Rapatin keeps the
 * topic, and `GET /schedules` returns it.
 */
export function orderReference(orderId: string): string {
  return `[ref:${orderId}]`;
}

export function topicWithReference(topic: string, orderId: string): string {
  return `${topic} ${orderReference(orderId)}`;
}

/** Whether a schedule's topic carries this order's reference (the closing bracket keeps `A-1` from matching `A-10`). */
export function topicCarriesReference(topic: string, orderId: string): boolean {
  return topic.includes(orderReference(orderId));
}
