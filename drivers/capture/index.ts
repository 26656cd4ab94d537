// Capture and injection on lab interfaces (a libpcap agent per interface, namespace-aware).
export { Capture, CaptureError, type CaptureOptions, type CapturedFrame } from './capture.ts';
