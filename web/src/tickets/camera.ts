import { type RefObject, useCallback, useEffect, useRef, useState } from 'react';

/** How often a frame is read while the camera runs. */
const SCAN_EVERY_MS = 150;
/** Frames are read at most this wide or high (jsQR's time grows with the pixels). */
const MAX_SIDE = 720;

/** The Barcode Detection API, where the browser has it (not in TypeScript's DOM library yet). */
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): { detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]> };
  getSupportedFormats?(): Promise<string[]>;
}

type Decode = (video: HTMLVideoElement) => Promise<string | null>;
export type Decoder = 'BarcodeDetector' | 'jsQR';

/** The browser's own QR reader, when it has one that reads QR codes. */
async function nativeDecoder(): Promise<Decode | null> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector) return null;
  try {
    const formats = (await Detector.getSupportedFormats?.()) ?? ['qr_code'];
    if (!formats.includes('qr_code')) return null;
    const detector = new Detector({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video))[0]?.rawValue ?? null;
  } catch {
    return null;
  }
}

/** jsQR on frames drawn to a canvas: loaded only when the camera starts without a native reader. */
async function jsqrDecoder(): Promise<Decode> {
  const { default: jsQR } = await import('jsqr');
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('no 2D canvas');
  return async (video) => {
    const scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight, 1));
    const width = Math.round(video.videoWidth * scale);
    const height = Math.round(video.videoHeight * scale);
    if (width === 0 || height === 0) return null;
    if (canvas.width !== width || canvas.height !== height) Object.assign(canvas, { width, height });
    context.drawImage(video, 0, 0, width, height);
    const frame = context.getImageData(0, 0, width, height);
    return jsQR(frame.data, width, height, { inversionAttempts: 'attemptBoth' })?.data ?? null;
  };
}

function cameraProblem(error: unknown): string {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'The camera was not allowed. Allow it in the browser’s settings for this site, or type the codes.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found on this device. Type the codes instead.';
  if (name === 'NotReadableError') return 'The camera is busy in another app. Close it there, then start the camera again.';
  return 'The camera could not be started. Type the codes instead.';
}

export type CameraState = { status: 'off' } | { status: 'starting' } | { status: 'on'; decoder: Decoder } | { status: 'failed'; problem: string };

/**
 * The device's (back) camera in `video`, read for QR codes every SCAN_EVERY_MS:
 * each code read goes to `onCode`, as often as it is seen (the caller debounces).
 * Stopped on `stop()` and when the component goes.
 */
export function useCamera(video: RefObject<HTMLVideoElement | null>, onCode: (code: string) => void) {
  const [state, setState] = useState<CameraState>({ status: 'off' });
  const latest = useRef(onCode);
  latest.current = onCode;
  const running = useRef<{ stream: MediaStream | null; timer: number; generation: number }>({ stream: null, timer: 0, generation: 0 });

  const release = useCallback(() => {
    const current = running.current;
    current.generation++;
    clearTimeout(current.timer);
    current.stream?.getTracks().forEach((track) => track.stop());
    current.stream = null;
    if (video.current) video.current.srcObject = null;
  }, [video]);

  const stop = useCallback(() => {
    release();
    setState({ status: 'off' });
  }, [release]);

  const start = useCallback(async () => {
    release();
    const generation = running.current.generation;
    const stale = () => running.current.generation !== generation;
    if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
      setState({ status: 'failed', problem: 'The camera is only available when this page is opened over HTTPS (or on localhost). Type the codes instead.' });
      return;
    }
    setState({ status: 'starting' });
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      if (stale() || !video.current) {
        stream.getTracks().forEach((track) => track.stop());
        return;
      }
      running.current.stream = stream;
      const element = video.current;
      element.srcObject = stream;
      await element.play();
      const native = await nativeDecoder();
      const decode = native ?? (await jsqrDecoder());
      if (stale()) return;
      setState({ status: 'on', decoder: native ? 'BarcodeDetector' : 'jsQR' });
      const tick = async () => {
        if (stale()) return;
        try {
          const code = element.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA ? await decode(element) : null;
          if (code && !stale()) latest.current(code);
        } catch {
          // A frame that cannot be read is skipped.
        }
        if (!stale()) running.current.timer = window.setTimeout(() => void tick(), SCAN_EVERY_MS);
      };
      void tick();
    } catch (error) {
      if (stale()) return;
      release();
      setState({ status: 'failed', problem: cameraProblem(error) });
    }
  }, [release, video]);

  useEffect(() => release, [release]);
  return { state, start: () => void start(), stop };
}
