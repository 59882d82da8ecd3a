namespace NanoTcp.Scenarios
{
    /// <summary>Every scenario, in a fixed order, without reflection (nanoFramework has little of it).</summary>
    public static class ScenarioRegistry
    {
        /// <summary>
        /// The scenario at <paramref name="index"/> (0-based, in the suite's order), a new instance;
        /// null past the last. The board's selftest creates one scenario at a time, so that only the
        /// one running is on the heap.
        /// </summary>
        public static Scenario At(int index)
        {
            int i = 0;
            // opening
            if (index == i++) return new PassiveOpen();
            if (index == i++) return new ActiveOpen();
            if (index == i++) return new OptionsDeclined();
            if (index == i++) return new DefaultMss();
            if (index == i++) return new SimultaneousOpen();
            if (index == i++) return new LostSyn();
            if (index == i++) return new LostSynAckServer();
            if (index == i++) return new LostSynAckClient();
            if (index == i++) return new DataInThirdHandshake();
            if (index == i++) return new OldDuplicateSynClient();
            if (index == i++) return new OldDuplicateSynServer();
            if (index == i++) return new IsnRfc6528();
            if (index == i++) return new KarnDuplicateSyn();
            if (index == i++) return new RtoThreeSecondsAfterSynTimeout();
            if (index == i++) return new SynAckDataTrimmed();
            // data
            if (index == i++) return new DataBothWays();
            if (index == i++) return new DelayedAck();
            if (index == i++) return new NagleHoldsSmallSegments();
            if (index == i++) return new NagleMinshall();
            if (index == i++) return new OutOfOrderReassembly();
            if (index == i++) return new SackBlocks();
            if (index == i++) return new OutOfOrderFin();
            if (index == i++) return new DuplicateAndOverlap();
            if (index == i++) return new SequenceWrap();
            if (index == i++) return new AckAtWindowEdge();
            if (index == i++) return new FinAfterHole();
            if (index == i++) return new GapFillAckedAtOnce();
            // closing
            if (index == i++) return new FourWayCloseActive();
            if (index == i++) return new ThreeWayClose();
            if (index == i++) return new PassiveClose();
            if (index == i++) return new LastAckRetransmit();
            if (index == i++) return new HalfClosePeer();
            if (index == i++) return new HalfCloseOurs();
            if (index == i++) return new SimultaneousClose();
            if (index == i++) return new LostFinalAck();
            if (index == i++) return new FinRetransmitFinWait1();
            if (index == i++) return new TimeWaitRstIgnored();
            if (index == i++) return new TimeWaitNewSyn();
            if (index == i++) return new TimeWaitOnlyRetransmittedFinRestarts();
            if (index == i++) return new RstInEverySynchronizedState();
            if (index == i++) return new RetransmitGiveUpWhileClosing();
            if (index == i++) return new OrphanedFinWait2Timeout();
            if (index == i++) return new CloseDuringHandshake();
            if (index == i++) return new ListenerStop();
            if (index == i++) return new CloseWithUnreadDataResets();
            if (index == i++) return new FinIntoZeroWindow();
            // resets and RFC 5961
            if (index == i++) return new ClosedPortRst();
            if (index == i++) return new ConnectRefused();
            if (index == i++) return new ResetByPeer();
            if (index == i++) return new AbortSendsRst();
            if (index == i++) return new Rfc5961Rst();
            if (index == i++) return new Rfc5961Syn();
            if (index == i++) return new Rfc5961Ack();
            if (index == i++) return new ChallengeAckRateLimit();
            if (index == i++) return new ListenIgnoresRstAndRefusesAck();
            if (index == i++) return new SynReceivedBadAck();
            if (index == i++) return new ChallengeAckInSynReceived();
            // timers
            if (index == i++) return new RtoBackoff();
            if (index == i++) return new RetransmissionEndsAtSndMax();
            if (index == i++) return new RttEstimation();
            if (index == i++) return new RtoBackoffEnds();
            if (index == i++) return new FastRetransmitOnThreeDupAcks();
            if (index == i++) return new FastRecoveryPartialAck();
            if (index == i++) return new LimitedTransmit();
            if (index == i++) return new FastRecoveryInflation();
            if (index == i++) return new SackDuplicateAcksOnData();
            if (index == i++) return new SackShowsLoss();
            if (index == i++) return new SackRttSample();
            if (index == i++) return new SackDupAcksMoveWindow();
            if (index == i++) return new ZeroWindowPersist();
            if (index == i++) return new PersistGivesUpOnSilentPeer();
            if (index == i++) return new PersistOrphanGivesUp();
            if (index == i++) return new KeepaliveProbes();
            if (index == i++) return new HalfOpenExpires();
            // flow control
            if (index == i++) return new ReceiveWindowFillsAndUpdates();
            if (index == i++) return new ReceiverSwsAvoidance();
            if (index == i++) return new SenderSwsOverride();
            if (index == i++) return new OutOfWindowAckLimit();
            if (index == i++) return new FinWaitsForWindow();
            // tables
            if (index == i++) return new BacklogOverflow();
            if (index == i++) return new SynFloodKeepsEstablished();
            if (index == i++) return new TimeWaitReuse();
            // ICMP errors
            if (index == i++) return new PathMtuDiscovery();
            if (index == i++) return new ForgedIcmpIgnored();
            if (index == i++) return new ConnectPortUnreachable();
            if (index == i++) return new IcmpSoftErrors();
            // the interface: reassembly, DHCP
            if (index == i++) return new ReassemblyPing();
            if (index == i++) return new ReassemblyFailures();
            if (index == i++) return new DhcpTransactionIds();
            if (index == i++) return new DhcpLeaseTiming();
            // hostile input
            if (index == i++) return new InvalidSourceAddresses();
            if (index == i++) return new RandomSegmentsNeverThrow();
            if (index == i++) return new BlindInjectionDoesNotCorrupt();
            // two stacks over a link
            if (index == i++) return new TwoStacksCleanTransfer();
            if (index == i++) return new TwoStacksLossyTransfer();
            if (index == i++) return new TwoStacksSimultaneousOpen();
            if (index == i++) return new TwoStacksSimultaneousClose();
            // services
            if (index == i++) return new EchoServiceScenario();
            if (index == i++) return new DiscardServiceScenario();
            if (index == i++) return new ChargenServiceScenario();
            if (index == i++) return new HttpStatusScenario();
            if (index == i++) return new ServiceIdleTimeoutScenario();
            if (index == i++) return new HttpRequestTimeoutScenario();
            return null;
        }

        /// <summary>Every scenario, new instances (on a board, about 70 bytes of heap each: prefer <see cref="At"/>).</summary>
        public static Scenario[] All()
        {
            int n = 0;
            while (At(n) != null)
            {
                n++;
            }
            Scenario[] all = new Scenario[n];
            for (int i = 0; i < n; i++)
            {
                all[i] = At(i);
            }
            return all;
        }

        public static Scenario Find(string name)
        {
            for (int i = 0; ; i++)
            {
                Scenario s = At(i);
                if (s == null || s.Name == name)
                {
                    return s;
                }
            }
        }

        /// <summary>Runs every scenario; returns the number that failed. Report lines go to the sink (console `selftest`).</summary>
        public static int RunAll(IScenarioReport report)
        {
            int failed = 0;
            for (int i = 0; ; i++)
            {
                Scenario s = At(i);
                if (s == null)
                {
                    return failed;
                }
                string error = s.Execute();
                if (error != null)
                {
                    failed++;
                }
                if (report != null)
                {
                    report.Result(s.Name, error);
                }
            }
        }
    }

    /// <summary>Receives one line per scenario (error null = passed).</summary>
    public interface IScenarioReport
    {
        void Result(string name, string error);
    }
}
