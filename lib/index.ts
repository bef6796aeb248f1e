/**
 * The package's public API: the bridge, how it delivers, and the parts an
 * app composes with it. Everything else under lib/ is internal.
 */

export {
  CHAT_SUBTYPES,
  type ChatSubtype,
  CONTENT_TYPES,
  KEYWORD_MATCHES,
  type KeywordMatch,
} from '../lambda/shared/settings';
export {
  BridgeAlarms,
  type BridgeAlarmsProps,
  type Pipeline,
  type PipelineAlarms,
  type ScheduleAlarms,
  type ScheduledFunction,
} from './bridge-alarms';
export { BridgeDashboard, type BridgeDashboardProps } from './bridge-dashboard';
export {
  Delivery,
  type DeliveryContext,
  INTEGRATION_EVENT_RESTRICTED,
  type ParticipantOptions,
} from './delivery';
export {
  DEFAULT_HELP_KEYWORDS,
  DEFAULT_HELP_TEXT,
  DEFAULT_OPT_OUT_CONFIRMATION_TEXT,
  DEFAULT_OPT_OUT_LIST_NAME,
  KeywordReplies,
  type KeywordRepliesProps,
} from './keyword-replies';
export {
  DEFAULT_CUSTOMER_NUMBER_ATTRIBUTE,
  DEFAULT_SYSTEM_NUMBER_ATTRIBUTE,
  type NumberAttributeProps,
} from './number-attributes';
export { OptOutSweep, type OptOutSweepProps } from './opt-out-sweep';
export {
  DEFAULT_ATTACHMENT_NOTICE,
  DEFAULT_UNSUPPORTED_MESSAGE_NOTICE,
  type OutboundTextProps,
  ParticipantDelivery,
  type ParticipantDeliveryProps,
  type ParticipantPhoneNumber,
} from './participant-delivery';
export {
  DEFAULT_DISCONNECT_KEYWORDS,
  SmsConnectBridge,
  type SmsConnectBridgeProps,
} from './sms-connect-bridge';
export { TwoWayWiring, type TwoWayWiringProps } from './two-way-wiring';
