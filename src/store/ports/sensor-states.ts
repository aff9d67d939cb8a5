// The sensor-states role: what each sensor holds between events (the dependencies it has seen),
// so a restarted server resumes a half-satisfied sensor. Only the sensor runner uses it.

/** What a sensor holds between events (see SensorState.toJSON), and the tandem ids of those events. */
export interface SensorStateRecord {
  sensor: string;
  snapshot: unknown;
  /** `<source name>\u0000<source id>` -> tandem event id. */
  eventIds: Record<string, string>;
  updatedAt: number;
}

export interface SensorStateStore {
  /** The state a sensor saved last, undefined when it never did. */
  loadSensorState(sensor: string): Promise<SensorStateRecord | undefined>;
  /** Replaces the sensor's saved state. */
  saveSensorState(record: SensorStateRecord): Promise<void>;
}
