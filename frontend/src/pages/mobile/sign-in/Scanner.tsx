import { useEffect, useRef, useState } from "react";
import { Alert, Button } from "../../../light";

// The Shape Detection API is not in TypeScript's DOM library yet.
interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorCtor = new (options?: { formats?: string[] }) => BarcodeDetectorLike;

function detectorCtor(): BarcodeDetectorCtor | null {
  const ctor = (globalThis as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector;
  return typeof ctor === "function" ? ctor : null;
}

/** Whether this browser can read a QR code from the camera itself. */
export function canScan(): boolean {
  return detectorCtor() !== null && typeof navigator !== "undefined" && Boolean(navigator.mediaDevices?.getUserMedia);
}

/** The back camera, read a few times a second until a QR code shows up. */
export function Scanner({ onRead, onClose }: { onRead: (text: string) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const Ctor = detectorCtor();
    if (!Ctor) return;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    const detector = new Ctor({ formats: ["qr_code"] });
    const tick = async () => {
      if (stopped || !video.current) return;
      try {
        if (video.current.readyState >= 2) {
          const found = await detector.detect(video.current);
          const text = found[0]?.rawValue;
          if (text && !stopped) {
            stopped = true;
            onRead(text);
            return;
          }
        }
      } catch {
        // A frame that could not be read; try the next one.
      }
      timer = setTimeout(() => void tick(), 250);
    };
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then((s) => {
        stream = s;
        if (stopped) return;
        if (video.current) {
          video.current.srcObject = s;
          void video.current.play().catch(() => {});
        }
        void tick();
      })
      .catch(() => setError("无法打开摄像头：请允许浏览器使用摄像头，或在下方粘贴签到码。"));
    return () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [onRead]);
  return (
    <div data-testid="scanner">
      {error ? (
        <Alert type="warning" title={error} />
      ) : (
        <video
          ref={video}
          muted
          playsInline
          style={{ width: "100%", borderRadius: 8, background: "#000", aspectRatio: "1 / 1", objectFit: "cover" }}
        />
      )}
      <Button block onClick={onClose} style={{ marginTop: 8 }} data-testid="scanner-close">
        关闭摄像头
      </Button>
    </div>
  );
}
