import { expandTaskIds, mapSlurmState, parseStateLines, stateOfTask } from '../../../src/jobs/slurm/states.js';

describe('SLURM state parsing', () => {
  test('squeue -r lines (verified 22.05 output format)', () => {
    const s = parseStateLines('11_2|PENDING\n11_3|RUNNING\n11_0|COMPLETED\n11_1|FAILED\n12_0|TIMEOUT\n12_1|PREEMPTED\n12_2|OUT_OF_MEMORY\n');
    expect(Object.fromEntries(s)).toEqual({ '11_2': 'pending', '11_3': 'running', '11_0': 'completed', '11_1': 'failed', '12_0': 'timeout', '12_1': 'preempted', '12_2': 'failed' });
  });

  test('sacct: "CANCELLED by 0", collapsed pending records, requeued jobs listed twice (newest last)', () => {
    const s = parseStateLines('31_3|CANCELLED by 0\n31_[4-6%2]|PENDING\n32_0|NODE_FAIL\n32_0|COMPLETED\n');
    expect(Object.fromEntries(s)).toEqual({ '31_3': 'cancelled', '31_4': 'pending', '31_5': 'pending', '31_6': 'pending', '32_0': 'completed' });
  });

  test('unknown words are unknown, never failed', () => {
    expect(mapSlurmState('SOMETHING_NEW')).toBe('unknown');
    expect(mapSlurmState('')).toBe('unknown');
    expect(expandTaskIds('7_[0,3-4]')).toEqual(['7_0', '7_3', '7_4']);
    expect(expandTaskIds('7_1')).toEqual(['7_1']);
  });

  test('a bare array id (elements cancelled before they started) stands for every element without its own record', () => {
    const s = parseStateLines('77|CANCELLED\n78_0|RUNNING\n');
    expect(stateOfTask(s, '77_1')).toBe('cancelled');
    expect(stateOfTask(s, '78_0')).toBe('running');
    expect(stateOfTask(s, '78_1')).toBeUndefined();
  });
});
