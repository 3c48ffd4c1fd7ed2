import { exponential } from './lambda-init';
import { LambdaFunctionStats, LambdaPlatform } from './lambda-platform';
import { Simulation } from './simulation';

/** One row of the SimFaaS AWS Lambda measurements (times in ms as published). */
export interface LambdaMeasurement {
  readonly experiment: string;
  readonly arrivalRate: number;
  readonly serviceTimeWarm: number;
  readonly serviceTimeCold: number;
  readonly idleMinutes: number;
  readonly averageInstanceCount: number;
  readonly averageUtilization: number;
  readonly coldStartProbability: number;
  readonly averageRunningInstances: number;
  readonly averageIdleInstances: number;
}

/** Parses the CSV: `#` lines are comments, the first other line is the header (its first column unnamed). */
export function parseLambdaMeasurements(text: string): LambdaMeasurement[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const header = lines[0].split(',');
  const col = (row: string[], name: string) => {
    const at = header.indexOf(name);
    if (at < 0) throw new Error(`lambda measurements: no column ${name}`);
    return Number(row[at]);
  };
  return lines.slice(1).map((line) => {
    const row = line.split(',');
    return {
      experiment: row[0],
      arrivalRate: col(row, 'ArrivalRate'),
      serviceTimeWarm: col(row, 'ServiceTimeWarm'),
      serviceTimeCold: col(row, 'ServiceTimeCold'),
      idleMinutes: col(row, 'IdleMinutesBeforeKill'),
      averageInstanceCount: col(row, 'AverageInstanceCount'),
      averageUtilization: col(row, 'AverageUtilization'),
      coldStartProbability: col(row, 'ColdStartProbability'),
      averageRunningInstances: col(row, 'AverageRunningInstances'),
      averageIdleInstances: col(row, 'AverageIdleInstances'),
    };
  });
}

/**
 * Replays one experiment as SimFaaS validates against it: Poisson arrivals,
 * exponential handler times with the warm mean, and an init of
 * (cold mean − warm mean) so a cold request takes the cold mean on average.
 */
export function simulateMeasurement(m: LambdaMeasurement, duration: number, seed: number): { stats: LambdaFunctionStats; events: number } {
  const sim = new Simulation({ seed });
  const platform = new LambdaPlatform(sim, { idleTimeout: m.idleMinutes * 60 });
  platform.addFunction({
    name: 'f',
    initTime: Math.max(0, m.serviceTimeCold - m.serviceTimeWarm) / 1000,
    serviceTime: exponential(m.serviceTimeWarm / 1000),
  });
  const gap = exponential(1 / m.arrivalRate);
  const arrive = () => {
    platform.invoke('f');
    sim.schedule(gap(sim.random), arrive);
  };
  sim.schedule(gap(sim.random), arrive);
  sim.sleep(duration);
  return { stats: platform.stats('f'), events: sim.processed };
}

export const relativeError = (simulated: number, measured: number) => Math.abs(simulated - measured) / Math.abs(measured);
