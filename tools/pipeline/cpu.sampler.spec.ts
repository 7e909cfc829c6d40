import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpuCost, cpuCostJson, readCpu, selfCpuSource } from './cpu.sampler';

describe('cpuCost', () => {
  it('charges each stage its CPU between the readings per event, and leaves the generator out of the total', () => {
    const before = new Map([
      ['features', 1_000_000],
      ['kafka', 5_000_000],
      ['loadtest', 0],
    ]);
    const after = new Map([
      ['features', 3_000_000],
      ['kafka', 9_000_000],
      ['loadtest', 1_000_000],
    ]);
    const cost = cpuCost(before, after, 10_000, 2, ['loadtest']);
    assert.deepEqual(
      cost.stages.map((s) => [s.stage, s.usPerEvent, s.cores]),
      [
        ['kafka', 400, 2],
        ['features', 200, 1],
      ],
    );
    assert.equal(cost.pipelineUsPerEvent, 600);
    assert.deepEqual(cost.outside, [{ stage: 'loadtest', usPerEvent: 100, cores: 0.5 }]);
    assert.deepEqual(cpuCostJson(cost), { kafka: 400, features: 200, loadtest: 100, pipeline: 600 });
  });

  it('counts a stage that was missing before from zero and never goes negative', () => {
    const cost = cpuCost(
      new Map([['redis', 50]]),
      new Map([
        ['redis', 10],
        ['scoring', 300],
      ]),
      3,
      1,
    );
    assert.deepEqual(
      cost.stages.map((s) => [s.stage, s.usPerEvent]),
      [
        ['scoring', 100],
        ['redis', 0],
      ],
    );
  });
});

describe('readCpu', () => {
  it('reads a live process and sums sources of the same name', () => {
    let spin = 0;
    const until = performance.now() + 60;
    while (performance.now() < until) spin++;
    assert.ok(spin > 0);
    const reading = readCpu([
      selfCpuSource('me'),
      selfCpuSource('me'),
      { name: 'gone', pids: () => [2 ** 22 + 7] },
    ]);
    const me = reading.get('me') ?? 0;
    assert.ok(me > 0, 'this process has used CPU');
    assert.equal(me % 20_000, 0, 'two equal readings of 10 ms ticks');
    assert.equal(reading.get('gone'), 0);
  });
});
