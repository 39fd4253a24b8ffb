/** A dependency the process needs before it can serve; `check` throws with a reason if not. */
export interface ReadinessCheck {
  name: string;
  /** The stable code a failure is reported with (e.g. DATABASE_UNAVAILABLE), if it has one. */
  code?: string;
  check(): Promise<void>;
}
