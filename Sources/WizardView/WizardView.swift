import Cells
import Foundation
import WizardModel

/// Draws the wizard: state and terminal size in, a frame of styled cells out. Pure and cheap: it reads
/// text the model prepared (plan preview, output tail) and never builds it.
public enum WizardView {
    /// The frame for `state` on a terminal of `size`; below `Size.minimum` a "terminal too small" message.
    public static func render(_ state: WizardState, size: Size) -> Frame {
        var canvas = Canvas(size: size, glyphs: .forState(asciiOnly: state.asciiOnly))
        guard Layout.fits(size) else {
            drawTooSmall(&canvas, size: size)
            return canvas.frame
        }
        switch state.screen {
        case .welcome: drawWelcome(&canvas, state)
        case .page(let index): drawPage(&canvas, state, index: index)
        case .review: drawReview(&canvas, state)
        case .run: drawRun(&canvas, state)
        case .stopped: drawStopped(&canvas, state)
        case .resume: drawResume(&canvas, state)
        case .done: drawDone(&canvas, state)
        case .doctor: drawDoctor(&canvas, state)
        case .destroy: drawDestroy(&canvas, state)
        }
        switch state.overlay {
        case .help?: drawHelp(&canvas, state)
        case .confirmQuit?: drawConfirmQuit(&canvas, state)
        case .log?: drawLog(&canvas, state)
        case .confirmDestroy?: drawConfirmDestroy(&canvas, state)
        case nil: break
        }
        return canvas.frame
    }

    /// The spinner's phase: ten frames a second from the last tick, so it turns at the same speed at any tick rate.
    static func spinnerFrame(_ state: WizardState) -> Int {
        Int((state.now.timeIntervalSinceReferenceDate * 10).rounded(.down).truncatingRemainder(dividingBy: 1_000_000))
    }

    private static func drawTooSmall(_ canvas: inout Canvas, size: Size) {
        let lines = [
            "Terminal too small",
            "need \(Size.minimum.columns)x\(Size.minimum.rows), have \(size.columns)x\(size.rows)",
            "Make the window larger, or press Ctrl-C to quit.",
        ]
        let top = max(0, (size.rows - lines.count) / 2)
        for (i, line) in lines.enumerated() {
            let x = max(0, (size.columns - DisplayWidth.of(line)) / 2)
            canvas.text(line, x: x, y: top + i, style: i == 0 ? Style(.warning, bold: true) : .plain)
        }
    }
}
