import fs from 'node:fs';
import { Command, Option } from 'commander';
import { AGENT_VERSION, agentFromState, enroll, enrollmentTrust, saveEnrollment } from './agent.js';
import { MachineInventory } from './inventory.js';
import { simulate } from './simulate.js';
import { StateDir } from './state.js';
import { OsActions } from './system-actions.js';

const log = (message: string) => process.stderr.write(`${new Date().toISOString()} ${message}\n`);

/** `steward-agent enroll | run | inventory | simulate`. */
export async function main(argv: string[]): Promise<void> {
  const cli = new Command('steward-agent').version(AGENT_VERSION).description('The Steward desktop agent (Linux, macOS, Windows)');
  const stateOption = () => new Option('--state-dir <dir>', 'where the key, certificate, configuration and result queue live').default(StateDir.defaultDir());

  cli
    .command('enroll')
    .description('enroll this machine with an enrollment token')
    .requiredOption('--server <url>', 'the Steward server, e.g. https://mdm.example.com')
    .requiredOption('--token <token>', 'an agent enrollment token')
    .option('--ca-file <pem>', "trust this CA for the server's certificate (and only it, from now on)")
    .option('--ca-fingerprint <sha256>', "trust the server's CA if its SHA-256 fingerprint is this (shown in the console)")
    .addOption(stateOption())
    .option('--force', 'enroll again even if this machine is already enrolled')
    .action(async (options: { server: string; token: string; caFile?: string; caFingerprint?: string; stateDir: string; force?: boolean }) => {
      const state = new StateDir(options.stateDir);
      if (state.enrolled && !options.force) throw new Error(`already enrolled (${state.readConfig().deviceId}); use --force to enroll again`);
      const server = options.server.replace(/\/+$/, '');
      const trust = await enrollmentTrust(server, options);
      const enrolled = await enroll({ server, token: options.token, inventory: new MachineInventory(), trust });
      saveEnrollment(state, server, enrolled, trust);
      // A fresh identity starts with an empty result queue.
      for (const name of ['results.jsonl', 'handled.log']) fs.rmSync(state.file(name), { force: true });
      process.stdout.write(`enrolled as device ${enrolled.deviceId}\n`);
    });

  cli
    .command('run')
    .description('check in, wait for commands, run them and report (as a service)')
    .addOption(stateOption())
    .option('--wait <seconds>', 'how long each long poll stays open (0: poll every --poll seconds)', '25')
    .option('--poll <seconds>', 'the interval when not long polling', '60')
    .option('--inventory-every <seconds>', 'send changed inventory at least this often', '3600')
    .option('--backoff-cap <seconds>', 'the longest wait between attempts while the server is away', '300')
    .action(async (options: { stateDir: string; wait: string; poll: string; inventoryEvery: string; backoffCap: string }) => {
      const state = new StateDir(options.stateDir);
      if (!state.enrolled) throw new Error(`not enrolled (no configuration in ${state.dir}): run steward-agent enroll first`);
      const agent = agentFromState(state, new MachineInventory(), new OsActions(), {
        waitSeconds: Number(options.wait),
        pollSeconds: Number(options.poll),
        inventoryEveryMs: Number(options.inventoryEvery) * 1000,
        backoffCapMs: Number(options.backoffCap) * 1000,
        log,
      });
      const stop = () => agent.stop();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      log(`steward-agent ${AGENT_VERSION} running as device ${state.readConfig().deviceId}`);
      await agent.run();
    });

  cli
    .command('inventory')
    .description('print the inventory this machine would report, as JSON')
    .action(async () => {
      process.stdout.write(`${JSON.stringify(await new MachineInventory().collect(), null, 2)}\n`);
    });

  cli
    .command('simulate')
    .description('run N virtual agents in this process through the same protocol code')
    .requiredOption('--server <url>', 'the Steward server')
    .requiredOption('--token <token>', 'an agent enrollment token with enough uses')
    .option('--count <n>', 'how many virtual agents', '10')
    .option('--ca-file <pem>', "the CA of the server's certificate")
    .option('--proxy-cert-header <name>', 'over plain HTTP: send each certificate in this header, as a TLS-terminating proxy would')
    .option('--wait <seconds>', 'long-poll duration', '25')
    .option('--concurrency <n>', 'enrollments in flight at once', '16')
    .option('--first-index <n>', "the first virtual agent's number (several simulators on one server take separate ranges)", '0')
    .action(
      async (options: {
        server: string;
        token: string;
        count: string;
        caFile?: string;
        proxyCertHeader?: string;
        wait: string;
        concurrency: string;
        firstIndex: string;
      }) => {
        const simulation = await simulate({
          server: options.server.replace(/\/+$/, ''),
          token: options.token,
          count: Number(options.count),
          firstIndex: Number(options.firstIndex),
          ca: options.caFile ? fs.readFileSync(options.caFile, 'utf8') : undefined,
          proxyCertHeader: options.proxyCertHeader,
          waitSeconds: Number(options.wait),
          concurrency: Number(options.concurrency),
          log,
          onCommand: (index, command) => log(`agent ${index}: ${command.type} ${command.id}`),
        });
        log(`${options.count} virtual agents enrolled in ${simulation.enrolledMs} ms; long polling (Ctrl-C stops)`);
        await new Promise<void>((resolve) => {
          const stop = () => {
            simulation.stop();
            resolve();
          };
          process.once('SIGTERM', stop);
          process.once('SIGINT', stop);
        });
      },
    );

  await cli.parseAsync(argv);
}
