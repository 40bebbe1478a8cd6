import Cells
import WizardModel
