import XCTest

@testable import ArchiveCore

/// The core's behaviour (the shared bodies `*Behaviour`) on a new database on the test run's throwaway PostgreSQL cluster:
/// every assertion of `CorePostgresTests` and `CoreSQLiteTests` is the same code.
final class CorePostgresTests: XCTestCase {
    // MARK: StoreBehaviour

    func testNewChangedUnchangedAndBackoff() throws { try StoreBehaviour(f: CoreFixture(.postgresql)).newChangedUnchangedAndBackoff() }
    func testProblemsNeverEraseArchivedData() throws { try StoreBehaviour(f: CoreFixture(.postgresql)).problemsNeverEraseArchivedData() }
    func testAnEqualNewestEventWithOtherFactsChangesTheCall() throws {
        try StoreBehaviour(f: CoreFixture(.postgresql)).anEqualNewestEventWithOtherFactsChangesTheCall()
    }
    func testAnAnswerWithoutTimesAfterOneWithThemChangesNothing() throws {
        try StoreBehaviour(f: CoreFixture(.postgresql)).anAnswerWithoutTimesAfterOneWithThemChangesNothing()
    }
    func testNumbersJustOutsideTheirBoundsAreRefused() throws {
        try StoreBehaviour(f: CoreFixture(.postgresql)).numbersJustOutsideTheirBoundsAreRefused()
    }

    // MARK: ScheduleBehaviour

    func testEveryIDGetsOneReason() throws { try ScheduleBehaviour(f: CoreFixture(.postgresql)).everyIDGetsOneReason() }

    // MARK: ReportBehaviour

    func testEmptyArchiveHasNullRatesAndNoDivisionByZero() throws {
        try ReportBehaviour(f: CoreFixture(.postgresql)).emptyArchiveHasNullRatesAndNoDivisionByZero()
    }
    func testSummaryByHand() throws { try ReportBehaviour(f: CoreFixture(.postgresql)).summaryByHand() }
    func testPercentilesOfOneValueAndNearestRank() throws { try ReportBehaviour(f: CoreFixture(.postgresql)).percentilesOfOneValueAndNearestRank() }
    func testDurationFromEventsWhenAbsentEvenOutOfOrder() throws {
        try ReportBehaviour(f: CoreFixture(.postgresql)).durationFromEventsWhenAbsentEvenOutOfOrder()
    }
    func testSinceIsInclusiveUntilIsExclusive() throws { try ReportBehaviour(f: CoreFixture(.postgresql)).sinceIsInclusiveUntilIsExclusive() }
    func testDailyBucketsAndFilters() throws { try ReportBehaviour(f: CoreFixture(.postgresql)).dailyBucketsAndFilters() }
    func testHoursFollowTheLocalClockAcrossAClockChange() throws {
        try HoursBehaviour(f: CoreFixture(.postgresql)).hoursFollowTheLocalClockAcrossAClockChange()
    }
    func testCompareTwoLabelsAndTwoPeriodsByHand() throws {
        try CompareBehaviour(f: CoreFixture(.postgresql)).twoLabelsAndTwoPeriodsByHand()
    }
    func testAttemptsAndPending() throws { try ReportBehaviour(f: CoreFixture(.postgresql)).attemptsAndPending() }

    // MARK: AnomalyBehaviour

    func testStuckCallsAreOpenCallsQuietForLongerThanStuckAfter() throws {
        try AnomalyBehaviour(f: CoreFixture(.postgresql)).stuckCallsAreOpenCallsQuietForLongerThanStuckAfter()
    }
    func testImpossibleDataNamesEachBrokenRule() throws { try AnomalyBehaviour(f: CoreFixture(.postgresql)).impossibleDataNamesEachBrokenRule() }
    func testAChangeAwayFromAFinalStatusInThePeriod() throws {
        try AnomalyBehaviour(f: CoreFixture(.postgresql)).aChangeAwayFromAFinalStatusInThePeriod()
    }
    func testFailedChecksCountFailuresInARowAndABodyResetsThem() throws {
        try AnomalyBehaviour(f: CoreFixture(.postgresql)).failedChecksCountFailuresInARowAndABodyResetsThem()
    }
    func testArchiveStaleWhenNoArchiveRunSucceededFor36Hours() throws {
        try AnomalyBehaviour(f: CoreFixture(.postgresql)).archiveStaleWhenNoArchiveRunSucceededFor36Hours()
    }
    func testDaysAreJudgedFromTheArchiveByQueuedDay() throws {
        try AnomalyBehaviour(f: CoreFixture(.postgresql)).daysAreJudgedFromTheArchiveByQueuedDay()
    }
    func testFindingsAreListedWorstFirst() throws { try AnomalyBehaviour(f: CoreFixture(.postgresql)).findingsAreListedWorstFirst() }

    // MARK: MaintenanceBehaviour

    func testLabelsAreSetOncePerNameAndRemovedByNameOrValue() throws {
        try MaintenanceBehaviour(f: CoreFixture(.postgresql)).labelsAreSetOncePerNameAndRemovedByNameOrValue()
    }
    func testForgetRemovesJunkAndKeepsDataUnlessForced() throws {
        try MaintenanceBehaviour(f: CoreFixture(.postgresql)).forgetRemovesJunkAndKeepsDataUnlessForced()
    }
    func testImportStoresBodiesAndNormalisesLabelNames() throws {
        try MaintenanceBehaviour(f: CoreFixture(.postgresql)).importStoresBodiesAndNormalisesLabelNames()
    }
    func testExportWritesEveryCallWithItsLabels() throws {
        try MaintenanceBehaviour(f: CoreFixture(.postgresql)).exportWritesEveryCallWithItsLabels()
    }
    func testRebuildRederivesFromTheNewestSnapshot() throws {
        try MaintenanceBehaviour(f: CoreFixture(.postgresql)).rebuildRederivesFromTheNewestSnapshot()
    }
}
