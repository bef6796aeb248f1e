// Imported lazily by `keyword-replies-loader.ts`. By name, so that esbuild
// bundles only this much of the SDK: a namespace import keeps all of it.
export { PinpointSMSVoiceV2Client } from '@aws-sdk/client-pinpoint-sms-voice-v2';
