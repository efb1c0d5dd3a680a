import XCTest

@testable import ArchiveCore

/// The core's behaviour (the shared bodies `*Behaviour`) on a SQLite file in a temporary folder:
/// every assertion of `CorePostgresTests` and `CoreSQLiteTests` is the same code.
final class CoreSQLiteTests: XCTestCase {
    // MARK: StoreBehaviour

    func testNewChangedUnchangedAndBackoff() throws { try StoreBehaviour(f: CoreFixture(.sqlite)).newChangedUnchangedAndBackoff() }
    func testProblemsNeverEraseArchivedData() throws { try StoreBehaviour(f: CoreFixture(.sqlite)).problemsNeverEraseArchivedData() }
    func testAnEqualNewestEventWithOtherFactsChangesTheCall() throws {
        try StoreBehaviour(f: CoreFixture(.sqlite)).anEqualNewestEventWithOtherFactsChangesTheCall()
    }
    func testAnAnswerWithoutTimesAfterOneWithThemChangesNothing() throws {
        try StoreBehaviour(f: CoreFixture(.sqlite)).anAnswerWithoutTimesAfterOneWithThemChangesNothing()
    }
    func testNumbersJustOutsideTheirBoundsAreRefused() throws {
        try StoreBehaviour(f: CoreFixture(.sqlite)).numbersJustOutsideTheirBoundsAreRefused()
    }

    // MARK: ScheduleBehaviour

    func testEveryIDGetsOneReason() throws { try ScheduleBehaviour(f: CoreFixture(.sqlite)).everyIDGetsOneReason() }

    // MARK: ReportBehaviour

    func testEmptyArchiveHasNullRatesAndNoDivisionByZero() throws {
        try ReportBehaviour(f: CoreFixture(.sqlite)).emptyArchiveHasNullRatesAndNoDivisionByZero()
    }
    func testSummaryByHand() throws { try ReportBehaviour(f: CoreFixture(.sqlite)).summaryByHand() }
    func testPercentilesOfOneValueAndNearestRank() throws { try ReportBehaviour(f: CoreFixture(.sqlite)).percentilesOfOneValueAndNearestRank() }
    func testDurationFromEventsWhenAbsentEvenOutOfOrder() throws {
        try ReportBehaviour(f: CoreFixture(.sqlite)).durationFromEventsWhenAbsentEvenOutOfOrder()
    }
    func testSinceIsInclusiveUntilIsExclusive() throws { try ReportBehaviour(f: CoreFixture(.sqlite)).sinceIsInclusiveUntilIsExclusive() }
    func testDailyBucketsAndFilters() throws { try ReportBehaviour(f: CoreFixture(.sqlite)).dailyBucketsAndFilters() }
    func testHoursFollowTheLocalClockAcrossAClockChange() throws {
        try HoursBehaviour(f: CoreFixture(.sqlite)).hoursFollowTheLocalClockAcrossAClockChange()
    }
    func testCompareTwoLabelsAndTwoPeriodsByHand() throws {
        try CompareBehaviour(f: CoreFixture(.sqlite)).twoLabelsAndTwoPeriodsByHand()
    }
    func testAttemptsAndPending() throws { try ReportBehaviour(f: CoreFixture(.sqlite)).attemptsAndPending() }

    // MARK: AnomalyBehaviour

    func testStuckCallsAreOpenCallsQuietForLongerThanStuckAfter() throws {
        try AnomalyBehaviour(f: CoreFixture(.sqlite)).stuckCallsAreOpenCallsQuietForLongerThanStuckAfter()
    }
    func testImpossibleDataNamesEachBrokenRule() throws { try AnomalyBehaviour(f: CoreFixture(.sqlite)).impossibleDataNamesEachBrokenRule() }
    func testAChangeAwayFromAFinalStatusInThePeriod() throws {
        try AnomalyBehaviour(f: CoreFixture(.sqlite)).aChangeAwayFromAFinalStatusInThePeriod()
    }
    func testFailedChecksCountFailuresInARowAndABodyResetsThem() throws {
        try AnomalyBehaviour(f: CoreFixture(.sqlite)).failedChecksCountFailuresInARowAndABodyResetsThem()
    }
    func testArchiveStaleWhenNoArchiveRunSucceededFor36Hours() throws {
        try AnomalyBehaviour(f: CoreFixture(.sqlite)).archiveStaleWhenNoArchiveRunSucceededFor36Hours()
    }
    func testDaysAreJudgedFromTheArchiveByQueuedDay() throws {
        try AnomalyBehaviour(f: CoreFixture(.sqlite)).daysAreJudgedFromTheArchiveByQueuedDay()
    }
    func testFindingsAreListedWorstFirst() throws { try AnomalyBehaviour(f: CoreFixture(.sqlite)).findingsAreListedWorstFirst() }

    // MARK: MaintenanceBehaviour

    func testLabelsAreSetOncePerNameAndRemovedByNameOrValue() throws {
        try MaintenanceBehaviour(f: CoreFixture(.sqlite)).labelsAreSetOncePerNameAndRemovedByNameOrValue()
    }
    func testForgetRemovesJunkAndKeepsDataUnlessForced() throws {
        try MaintenanceBehaviour(f: CoreFixture(.sqlite)).forgetRemovesJunkAndKeepsDataUnlessForced()
    }
    func testImportStoresBodiesAndNormalisesLabelNames() throws {
        try MaintenanceBehaviour(f: CoreFixture(.sqlite)).importStoresBodiesAndNormalisesLabelNames()
    }
    func testExportWritesEveryCallWithItsLabels() throws { try MaintenanceBehaviour(f: CoreFixture(.sqlite)).exportWritesEveryCallWithItsLabels() }
    func testRebuildRederivesFromTheNewestSnapshot() throws {
        try MaintenanceBehaviour(f: CoreFixture(.sqlite)).rebuildRederivesFromTheNewestSnapshot()
    }
}
