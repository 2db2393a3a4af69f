export {
  DynamoDbEntitlementStore,
  type DynamoDbEntitlementStoreOptions,
  EntitlementContentionError,
} from "./dynamodb/dynamodb-entitlement-store.js";
export {
  DynamoDbPaymentSource,
  type DynamoDbPaymentSourceOptions,
} from "./dynamodb/dynamodb-payment-source.js";
