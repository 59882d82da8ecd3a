namespace NanoTcp.Scenarios
{
    /// <summary>Every scenario, in a fixed order, without reflection (nanoFramework has little of it).</summary>
    public static class ScenarioRegistry
    {
        public static Scenario[] All()
        {
            return new Scenario[]
            {
                // opening
                new PassiveOpen(),
                new ActiveOpen(),
                new OptionsDeclined(),
                new DefaultMss(),
                new SimultaneousOpen(),
                new LostSyn(),
                new LostSynAckServer(),
                new LostSynAckClient(),
                new DataInThirdHandshake(),
                new OldDuplicateSynClient(),
                new OldDuplicateSynServer(),
                new IsnRfc6528(),
                new KarnDuplicateSyn(),
                new RtoThreeSecondsAfterSynTimeout(),
                new SynAckDataTrimmed(),
                // data
                new DataBothWays(),
                new DelayedAck(),
                new NagleHoldsSmallSegments(),
                new OutOfOrderReassembly(),
                new SackBlocks(),
                new OutOfOrderFin(),
                new DuplicateAndOverlap(),
                new SequenceWrap(),
                new AckAtWindowEdge(),
                new FinAfterHole(),
                new GapFillAckedAtOnce(),
                // closing
                new FourWayCloseActive(),
                new ThreeWayClose(),
                new PassiveClose(),
                new LastAckRetransmit(),
                new HalfClosePeer(),
                new HalfCloseOurs(),
                new SimultaneousClose(),
                new LostFinalAck(),
                new FinRetransmitFinWait1(),
                new TimeWaitRstIgnored(),
                new TimeWaitNewSyn(),
                new TimeWaitOnlyRetransmittedFinRestarts(),
                new RstInEverySynchronizedState(),
                new RetransmitGiveUpWhileClosing(),
                new OrphanedFinWait2Timeout(),
                new CloseDuringHandshake(),
                new ListenerStop(),
                new CloseWithUnreadDataResets(),
                new FinIntoZeroWindow(),
                // resets and RFC 5961
                new ClosedPortRst(),
                new ConnectRefused(),
                new ResetByPeer(),
                new AbortSendsRst(),
                new Rfc5961Rst(),
                new Rfc5961Syn(),
                new Rfc5961Ack(),
                new ChallengeAckRateLimit(),
                new ListenIgnoresRstAndRefusesAck(),
                new SynReceivedBadAck(),
                new ChallengeAckInSynReceived(),
                // timers
                new RtoBackoff(),
                new RetransmissionEndsAtSndMax(),
                new RttEstimation(),
                new FastRetransmitOnThreeDupAcks(),
                new FastRecoveryPartialAck(),
                new LimitedTransmit(),
                new FastRecoveryInflation(),
                new ZeroWindowPersist(),
                new PersistGivesUpOnSilentPeer(),
                new PersistOrphanGivesUp(),
                new KeepaliveProbes(),
                new HalfOpenExpires(),
                // flow control
                new ReceiveWindowFillsAndUpdates(),
                new ReceiverSwsAvoidance(),
                new SenderSwsOverride(),
                new OutOfWindowAckLimit(),
                new FinWaitsForWindow(),
                // tables
                new BacklogOverflow(),
                new SynFloodKeepsEstablished(),
                new TimeWaitReuse(),
                // ICMP errors
                new PathMtuDiscovery(),
                new ForgedIcmpIgnored(),
                new ConnectPortUnreachable(),
                new IcmpSoftErrors(),
                // the interface: reassembly, DHCP
                new ReassemblyPing(),
                new ReassemblyFailures(),
                new DhcpTransactionIds(),
                new DhcpLeaseTiming(),
                // hostile input
                new InvalidSourceAddresses(),
                new RandomSegmentsNeverThrow(),
                new BlindInjectionDoesNotCorrupt(),
                // two stacks over a link
                new TwoStacksCleanTransfer(),
                new TwoStacksLossyTransfer(),
                new TwoStacksSimultaneousOpen(),
                new TwoStacksSimultaneousClose(),
                // services
                new EchoServiceScenario(),
                new DiscardServiceScenario(),
                new ChargenServiceScenario(),
                new HttpStatusScenario(),
                new ServiceIdleTimeoutScenario(),
                new HttpRequestTimeoutScenario(),
            };
        }

        public static Scenario Find(string name)
        {
            Scenario[] all = All();
            for (int i = 0; i < all.Length; i++)
            {
                if (all[i].Name == name)
                {
                    return all[i];
                }
            }
            return null;
        }

        /// <summary>Runs every scenario; returns the number that failed. Report lines go to the sink (console `selftest`).</summary>
        public static int RunAll(IScenarioReport report)
        {
            Scenario[] all = All();
            int failed = 0;
            for (int i = 0; i < all.Length; i++)
            {
                string error = all[i].Execute();
                if (error != null)
                {
                    failed++;
                }
                if (report != null)
                {
                    report.Result(all[i].Name, error);
                }
            }
            return failed;
        }
    }

    /// <summary>Receives one line per scenario (error null = passed).</summary>
    public interface IScenarioReport
    {
        void Result(string name, string error);
    }
}
