/** A dependency the process needs before it can serve; `check` throws with a reason if not. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}
