export { BookingInProgressError, BookingStoreError } from "./booking/booking-errors.js";
export type { BookingRecord, MeetingBooking } from "./booking/booking-record.js";
export {
  type BookedMeeting,
  createMeetingBooker,
  type MeetingBooker,
  type MeetingBookerOptions,
  type MeetingRequest,
  meetingBookingKey,
} from "./booking/meeting-booker.js";
export {
  orderReference,
  topicCarriesReference,
  topicWithReference,
} from "./booking/order-reference.js";
export {
  createRapatinClient,
  RAPATIN_BASE_URL,
  type RapatinClient,
  type RapatinClientOptions,
} from "./client/rapatin-client.js";
export {
  RapatinApiError,
  RapatinError,
  RapatinLoginError,
  RapatinNetworkError,
  RapatinTimeoutError,
  RapatinValidationError,
} from "./client/rapatin-errors.js";
export type {
  CreateScheduleInput,
  ListSchedulesQuery,
  RapatinSchedule,
} from "./client/schedule-schemas.js";
export {
  checkProductTable,
  DEFAULT_PRODUCT_TABLE,
  NoProductForParticipantsError,
  type ProductTier,
  resolveProductId,
} from "./products/product-table.js";
